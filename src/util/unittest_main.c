/*
 * main() for unit-test binaries: kept out of libmorpho so the morpho
 * executable's own main() does not clash with it.
 */
int unittest_main(int argc, char **argv);

int main(int argc, char **argv)
{
    return unittest_main(argc, argv);
}
