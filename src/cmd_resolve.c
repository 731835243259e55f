/* cmd_resolve.c: placeholder on the integration branch; replaced whole. */
#include "compat.h"

#include "report.h"
#include "sockit.h"

int
cmd_resolve(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report_error("resolve is not built yet");
	return EXIT_FAIL;
}
