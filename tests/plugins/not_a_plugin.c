/* A shared library that is not a SpineReview plugin. */
int some_function(void) { return 1; }
