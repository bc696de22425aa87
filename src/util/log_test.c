/*
 * Tests of -d item parsing.
 */
#include "util/log.h"
#include "util/unittest.h"

UNITTEST(parse_items)
{
    uint32_t mask = 0;
    bool help;
    char bad[32] = "";

    CHECK(log_parse_items("in_asm,op,guest_errors", &mask, &help, bad, sizeof(bad)));
    CHECK_INT(mask, LOG_IN_ASM | LOG_OP | LOG_GUEST_ERRORS);
    CHECK(!help);
    CHECK(!log_parse_items("in_asm,bogus", &mask, &help, bad, sizeof(bad)));
    CHECK_STR(bad, "bogus");
    CHECK(log_parse_items("", &mask, &help, bad, sizeof(bad)));
    CHECK_INT(mask, 0);
}
