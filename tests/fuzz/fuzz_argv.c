/* fuzz_argv.c: whole argument vectors through the option tables of connect and listen, and what -o, --allow and --deny parse. */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "opt.h"
#include "serve.h"
#include "session.h"
#include "sockopt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ARGS_MAX 64

/* The input is the arguments, each ended by a NUL. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session s;
	struct serve_opts so;
	struct serve_access acl;
	struct sockopt_setting set;
	struct cidr block;
	char *copy, *argv[ARGS_MAX + 1], *pos[4], err[512];
	int argc = 1, npos, i;
	size_t start = 0, k;
	const struct opt_group groups[] = {
		{ "Server options", serve_opt_defs, serve_opt_count, &so },
		{ "Access options", serve_access_defs, serve_access_count,
		  &acl },
		{ "Program options", session_program_defs,
		  session_program_count, &s.opts },
		{ "Socket options", session_socket_defs,
		  session_socket_count, &s.opts },
		{ "Data options", session_data_defs, session_data_count,
		  &s.opts },
		{ "Terminal options", session_tty_defs, session_tty_count,
		  &s.opts },
	};
	const struct opt_command cmd = {
		"fuzz", "[OPTIONS] ENDPOINT", "fuzz", "", groups,
		ARRAY_LEN(groups),
	};

	copy = malloc(size + 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[0] = "fuzz";
	for (k = 0; k <= size && argc < ARGS_MAX; k++) {
		if (copy[k] == '\0') {
			argv[argc++] = copy + start;
			start = k + 1;
		}
	}
	argv[argc] = NULL;
	session_init(&s);
	serve_init(&so);
	memset(&acl, 0, sizeof(acl));
	if (opt_parse(&cmd, argc, argv, pos, 4, &npos, err, sizeof(err)) ==
	    OPT_OK) {
		for (i = 0; i < s.opts.sockopts.count; i++)
			sockopt_parse(s.opts.sockopts.items[i], &set, err,
			    sizeof(err));
		for (i = 0; i < acl.allow_text.count; i++)
			cidr_parse(acl.allow_text.items[i], &block, err,
			    sizeof(err));
		for (i = 0; i < acl.deny_text.count; i++)
			cidr_parse(acl.deny_text.items[i], &block, err,
			    sizeof(err));
	}
	free(copy);
	return 0;
}
