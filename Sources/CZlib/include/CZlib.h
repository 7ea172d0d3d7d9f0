// The system zlib's CRC-32 functions for Swift (crc32_z, crc32_combine). CompressNIO links the
// same library but does not export these, and its zlib module is not a product.
#include <zlib.h>
