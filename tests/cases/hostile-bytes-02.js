// expect: clean
// only a comment
/* and another */
