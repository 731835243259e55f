/* test_structs.c: --getsockopt's value lines, exactly. */
#include "compat.h"

#include <string.h>
#include <sys/socket.h>

#include "readback.h"
#include "strbuf.h"
#include "unit.h"

static void
readback_case(const char *what, const char *name, const void *value,
    socklen_t len, const struct sockopt_setting *set, const char *want)
{
	char storage[256];
	struct strbuf sb;

	unit_begin("readback_format: %s", what);
	strbuf_init(&sb, storage, sizeof(storage));
	readback_format(&sb, sockopt_find(name), value, len, set);
	CHECK_STR(strbuf_str(&sb), want);
	unit_end();
}

static void
test_readback(void)
{
	struct sockopt_setting set;
	struct linger lg = { 1, 5 };
	int v;

	memset(&set, 0, sizeof(set));
	set.def = sockopt_find("SO_RCVBUF");
	set.int_value = 4096;
	v = 8192;
	readback_case("SO_RCVBUF set by -o says the kernel doubled it",
	    "SO_RCVBUF", &v, sizeof(v), &set,
	    "SO_RCVBUF = 8192 (-o set 4096; the kernel doubles the value "
	    "set, for its own bookkeeping)");
	readback_case("SO_RCVBUF not set by -o is the number alone",
	    "SO_RCVBUF", &v, sizeof(v), NULL, "SO_RCVBUF = 8192");
	v = 1;
	readback_case("a boolean says on", "TCP_NODELAY", &v, sizeof(v),
	    NULL, "TCP_NODELAY = 1 (on)");
	v = 0;
	readback_case("a boolean says off", "SO_KEEPALIVE", &v, sizeof(v),
	    NULL, "SO_KEEPALIVE = 0 (off)");
	readback_case("SO_LINGER is its struct", "SO_LINGER", &lg,
	    sizeof(lg), NULL, "SO_LINGER = {l_onoff=1, l_linger=5}");
	readback_case("a name stops at its NUL", "TCP_CONGESTION", "cubic\0\0",
	    8, NULL, "TCP_CONGESTION = \"cubic\"");
	readback_case("a one-byte int", "IP_MULTICAST_TTL", "\x07", 1, NULL,
	    "IP_MULTICAST_TTL = 7");
}

void
test_structs(void)
{
	test_readback();
}
