/* A well-behaved detector plugin: reports one finding that echoes the image size it was given. */
#include <stdio.h>
#include <stdlib.h>

#include "spine/PluginAbi.h"

int spine_plugin_abi_version(void) { return SPINE_PLUGIN_ABI_VERSION; }
const char* spine_plugin_name(void) { return "test-good"; }
int spine_plugin_applies_to(int modality) { return modality == SPINE_MODALITY_CT; }

char* spine_plugin_detect(const SpineImageView* image, const SpineImageView* labels, const char* levels_json) {
  (void)levels_json;
  char* out = malloc(512);
  snprintf(out, 512,
           "[{\"kind\": \"test-finding\", \"levels\": [\"L4\"], \"certainty\": \"possible\", \"summary\": \"seen\","
           " \"measurements\": {\"columns\": {\"value\": %d, \"unit\": \"voxels\"}}, \"details\": {\"labels\": %d}}]",
           image->size[0], labels != NULL);
  return out;
}

void spine_plugin_free(char* text) { free(text); }
