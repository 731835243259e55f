/* cmd_pair.c: placeholder on the integration branch; replaced whole. */
#include "compat.h"

#include "report.h"
#include "sockit.h"

int
cmd_pair(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report_error("pair is not built yet");
	return EXIT_FAIL;
}
