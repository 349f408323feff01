#ifndef IMAGE_EMBEDDED_H
#define IMAGE_EMBEDDED_H

/** @file
 *
 * The embedded script (build option EMBED=file)
 */

struct image;

/** The embedded script's image (one reference held), or NULL */
extern struct image *embedded_image;

#endif /* IMAGE_EMBEDDED_H */
