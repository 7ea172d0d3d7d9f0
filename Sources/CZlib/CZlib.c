// Empty: SwiftPM needs one source file in a C target; the functions come from the system zlib.
#include "CZlib.h"
