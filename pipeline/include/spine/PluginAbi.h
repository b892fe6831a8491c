/* The C ABI of SpineReview detector plugins (shared libraries loaded from --plugins DIR).
 * A plugin exports the six functions below. The host calls spine_plugin_abi_version() first and
 * refuses a plugin built for another version; every other call happens in a child process, so a
 * plugin that crashes or hangs becomes a "detector-failure" finding, never a lost report.
 * Findings are returned as a JSON array of finding objects (docs/report-schema.md, "findings").
 * Plain C: plugins can be written in any language with a C FFI. Example: tests/plugins/. */
#ifndef SPINE_PLUGIN_ABI_H
#define SPINE_PLUGIN_ABI_H

#include <stdint.h>

#define SPINE_PLUGIN_ABI_VERSION 1

#ifdef __cplusplus
extern "C" {
#endif

enum SpinePixelType { SPINE_PIXEL_INT16 = 0, SPINE_PIXEL_FLOAT32 = 1, SPINE_PIXEL_UINT16 = 2 };
enum SpineModality { SPINE_MODALITY_CT = 0, SPINE_MODALITY_MR = 1 };

/* An image in patient LPS millimetres: voxel (i, j, k) is at origin + direction * (i*sx, j*sy, k*sz);
 * direction is row-major 3x3 whose columns are the index axes; i runs fastest in `pixels`. */
typedef struct SpineImageView {
  int pixel_type; /* SpinePixelType */
  const void* pixels;
  int size[3];
  double spacing[3];
  double origin[3];
  double direction[9];
} SpineImageView;

/* Required exports. */
int spine_plugin_abi_version(void);               /* return SPINE_PLUGIN_ABI_VERSION */
const char* spine_plugin_name(void);              /* static, e.g. "my-detector" */
int spine_plugin_applies_to(int modality);        /* SpineModality -> 1 or 0 */
/* image: CT in HU (int16) or MR (float); labels: labels.nii.gz values (uint16) or NULL;
 * levels_json: {"vertebrae": [...], "discs": [...], "numbering": {...}} as in report.json.
 * Returns a JSON array allocated by the plugin (freed with spine_plugin_free), or NULL on failure. */
char* spine_plugin_detect(const SpineImageView* image, const SpineImageView* labels, const char* levels_json);
void spine_plugin_free(char* text);

#ifdef __cplusplus
}
#endif

#endif
