/** @file
 *
 * Script images: "#!ipxe" and "#!ferry"
 */

#include "image/image.h"
#include "script/script.h"
#include "core/errors.h"

/** Not a script */
#define ENOEXEC_NOT_SCRIPT ERROR_CODE(ERRCLASS_ENOEXEC, 1)

/**
 * Check whether an image is a script
 *
 * @v image		Image
 * @ret rc		0 if it is, -ENOEXEC if not
 */
static int script_image_probe(struct image *image)
{
	return (script_is_script(image->data, image->len) ?
			0 :
			-ENOEXEC_NOT_SCRIPT);
}

/**
 * Run a script image
 *
 * @v image		Image
 * @ret rc		Return status code of the script
 */
static int script_image_exec(struct image *image)
{
	return script_exec_buffer(image->data, image->len);
}

/** Script image type */
struct image_type script_image_type __image_type(PROBE_NORMAL) = {
	.name = "script",
	.probe = script_image_probe,
	.exec = script_image_exec,
	.flags = IMAGE_TYPE_NOT_INITRD,
};
