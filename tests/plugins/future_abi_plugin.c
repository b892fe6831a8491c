/* A plugin built for an ABI this host does not speak: refused before anything else is called. */
int spine_plugin_abi_version(void) { return 999; }
const char* spine_plugin_name(void) { return "test-future"; }
