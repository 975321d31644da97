// The doctest runner of the integration suite (real TCP, real natterd).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
