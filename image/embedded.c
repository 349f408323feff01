/** @file
 *
 * The embedded script (build option EMBED=file)
 *
 * At start-up it becomes an image named "embedded.ipxe"; autoboot runs
 * it instead of the boot file DHCP names.
 */

#include <stddef.h>
#include "image/image.h"
#include "image/embedded.h"
#include "core/init.h"
#include "core/printf.h"
#include "core/errors.h"

/** Start of the embedded script (image/embedded_data.S) */
extern const char embedded_script[];
/** End of the embedded script */
extern const char embedded_script_end[];

/** The embedded image, or NULL if there is none */
struct image *embedded_image;

/**
 * Register the embedded script as an image
 */
static void embedded_init(void)
{
	size_t len = (embedded_script_end - embedded_script);
	struct image *image;
	int rc;

	if (!len)
		return;
	image = image_alloc(NULL);
	if (!image)
		goto err;
	if ((rc = image_set_name(image, "embedded.ipxe")) != 0 ||
	    (rc = image_set_data(image, embedded_script, len)) != 0 ||
	    (rc = image_register(image)) != 0) {
		image_put(image);
		goto err;
	}
	embedded_image = image;
	return;
err:
	printf("Could not register the embedded script\n");
}

/** Register the embedded script at start-up */
struct init_fn embedded_init_fn __init_fn(INIT_LATE) = {
	.name = "embedded",
	.init = embedded_init,
};
