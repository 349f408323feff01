/** @file
 *
 * "md5sum", "sha1sum" and "sha256sum" [image...]: digests of images,
 * printed as "<hex digest>  <image name>" like the coreutils tools
 */

#include <stddef.h>
#include "core/command.h"
#include "core/errors.h"
#include "core/printf.h"
#include "core/string.h"
#include "crypto/digest.h"
#include "image/image.h"

/** No image of that name */
#define ENOENT_IMAGE ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_IMAGE, "No such image");

/**
 * Print the digest of one image
 *
 * @v digest		Algorithm
 * @v image		Image
 */
static void digest_print_image(struct digest_algorithm *digest,
			       struct image *image)
{
	uint8_t out[DIGEST_MAX_LEN];
	size_t i;

	digest_buffer(digest, image->data, image->len, out);
	for (i = 0; i < digest->digest_len; i++)
		printf("%02x", out[i]);
	printf("  %s\n", image->name);
}

/**
 * Run a digest command: the algorithm is the command name less "sum"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int digest_exec(int argc, char **argv)
{
	struct digest_algorithm *digest;
	struct image *image;
	char name[16];
	size_t len = strlen(argv[0]);
	int rc = 0;
	int i;

	if (len <= 3 || len - 3 >= sizeof(name))
		return -EINVAL;
	memcpy(name, argv[0], len - 3);
	name[len - 3] = '\0';
	digest = digest_find(name);
	if (!digest)
		return -ENOTSUP;
	if (argc < 2) {
		for_each_image(image)
			digest_print_image(digest, image);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		image = image_find(argv[i]);
		if (!image) {
			error_print(-ENOENT_IMAGE, argv[i]);
			rc = -ENOENT_IMAGE;
			continue;
		}
		digest_print_image(digest, image);
	}
	return rc;
}

struct command md5sum_command __command = {
	.name = "md5sum",
	.usage = "md5sum [image...]",
	.exec = digest_exec,
};
struct command sha1sum_command __command = {
	.name = "sha1sum",
	.usage = "sha1sum [image...]",
	.exec = digest_exec,
};
struct command sha256sum_command __command = {
	.name = "sha256sum",
	.usage = "sha256sum [image...]",
	.exec = digest_exec,
};
