// Exposes sdk-headers/ to Swift targets as the CSwiftletSDK module (include/module.modulemap).
// The headers are the whole ABI; this file only checks that they compile in this target.
#include "swiftlet/swiftlet.h"
