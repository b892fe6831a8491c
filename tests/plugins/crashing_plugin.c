/* A plugin that loads fine and crashes when asked to detect. */
#include <signal.h>
#include <stddef.h>

#include "spine/PluginAbi.h"

int spine_plugin_abi_version(void) { return SPINE_PLUGIN_ABI_VERSION; }
const char* spine_plugin_name(void) { return "test-crashing"; }
int spine_plugin_applies_to(int modality) { (void)modality; return 1; }
char* spine_plugin_detect(const SpineImageView* image, const SpineImageView* labels, const char* levels_json) {
  (void)image, (void)labels, (void)levels_json;
  raise(SIGSEGV);
  return NULL;
}
void spine_plugin_free(char* text) { (void)text; }
