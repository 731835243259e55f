/* fuzz_tcpdiag.c: sock_diag replies of any bytes; each reads as one answer, within its length. */
#include "compat.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcpdiag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_in local, remote;
	struct tcpdiag_request asked;
	unsigned char *copy = malloc(size ? size : 1);
	int state = -1, err = -1;

	if (copy == NULL)
		return 0;
	/* An exact copy, so a read past the reply is caught. */
	memcpy(copy, data, size);
	memset(&local, 0, sizeof(local));
	local.sin_family = AF_INET;
	local.sin_port = htons(47524);
	local.sin_addr.s_addr = htonl(0x7f000001);
	remote = local;
	remote.sin_port = htons(58315);
	if (tcpdiag_request(&asked, (struct sockaddr *)&local,
	    (struct sockaddr *)&remote) < 0)
		abort();
	switch (tcpdiag_parse(&asked, copy, size, &state, &err)) {
	case TCPDIAG_FOUND:
		if (err != 0 || state < 0 || state > 255)
			abort();
		break;
	case TCPDIAG_GONE:
		if (err != 0)
			abort();
		break;
	case TCPDIAG_FAILED:
		if (err <= 0)
			abort();
		break;
	default:
		abort();
	}
	free(copy);
	return 0;
}
