/* cmd_send.c: placeholder on the integration branch; replaced whole. */
#include "compat.h"

#include "report.h"
#include "sockit.h"

int
cmd_send(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report_error("send is not built yet");
	return EXIT_FAIL;
}
