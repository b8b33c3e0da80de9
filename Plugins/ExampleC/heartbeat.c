#include "swiftlet/swiftlet.h"
