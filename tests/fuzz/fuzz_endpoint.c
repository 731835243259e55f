/* fuzz_endpoint.c: the endpoint grammar on any text, under every flag, and port lists. */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "endpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The first byte chooses the flags; the rest is ENDPOINT, or ENDPOINT and
 * PORT (the nc habit) when a newline separates them.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct endpoint_flags flags;
	struct endpoint ep;
	struct port_range ranges[ENDPOINT_PORT_RANGES_MAX];
	char err[512], *text, *second;
	static const int families[] = { AF_UNSPEC, AF_INET, AF_INET6 };

	if (size == 0)
		return 0;
	memset(&flags, 0, sizeof(flags));
	flags.udp = data[0] & 1;
	flags.unix_path = data[0] & 2;
	flags.seqpacket = data[0] & 4;
	flags.port_list = data[0] & 8;
	flags.passive = data[0] & 16;
	flags.family = families[(data[0] >> 5) % 3];
	text = malloc(size);
	if (text == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	second = strchr(text, '\n');
	if (second != NULL)
		*second++ = '\0';
	if (endpoint_parse(text, second, &flags, &ep, err, sizeof(err)) == 0 &&
	    flags.port_list)
		endpoint_port_list(ep.port, ranges, ARRAY_LEN(ranges), err,
		    sizeof(err));
	free(text);
	return 0;
}
