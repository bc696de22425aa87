#include "util/unittest.h"
UNITTEST(placeholder) { CHECK(1); }
