/* test_structs.c: --getsockopt's value lines and --trace=bytes's sockaddr layouts, exactly. */
#include "compat.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "readback.h"
#include "sabytes.h"
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

static void
sabytes_case(const char *what, const void *sa, socklen_t len,
    const char *family, const char *want)
{
	char storage[2048];
	struct strbuf sb;

	unit_begin("sabytes_format: %s", what);
	strbuf_init(&sb, storage, sizeof(storage));
	sabytes_format(&sb, sa, len, family);
	CHECK_STR(strbuf_str(&sb), want);
	unit_end();
}

static void
test_sabytes(void)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr_un sun;
	static const char path[] = "/tmp/a-socket-path-of-34-bytes.s";

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(8080);
	sin.sin_addr.s_addr = htonl(0x7f000001);
	sabytes_case("sockaddr_in: family in host order, port in network order",
	    &sin, sizeof(sin), "AF_INET",
	    "    02 00      | 1f 90       | 7f 00 00 01 | "
	    "00 00 00 00 00 00 00 00   (16 bytes)\n"
	    "    sin_family | sin_port    | sin_addr    | sin_zero\n"
	    "    AF_INET    | htons(8080) | 127.0.0.1   |\n");
	sabytes_case("a length that stops mid-struct shows only its bytes",
	    &sin, 6, "AF_INET",
	    "    02 00      | 1f 90       | 7f 00   (6 bytes)\n"
	    "    sin_family | sin_port    | sin_addr\n"
	    "    AF_INET    | htons(8080) |\n");
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(443);
	sin6.sin6_flowinfo = htonl(5);
	sin6.sin6_addr.s6_addr[15] = 1;
	sin6.sin6_scope_id = 2;
	sabytes_case("sockaddr_in6: flowinfo in network order, scope_id in "
	    "host order", &sin6, sizeof(sin6), "AF_INET6",
	    "    0a 00       | 01 bb      | 00 00 00 05   | "
	    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 | "
	    "02 00 00 00   (28 bytes)\n"
	    "    sin6_family | sin6_port  | sin6_flowinfo | sin6_addr"
	    "                                       | sin6_scope_id\n"
	    "    AF_INET6    | htons(443) | htonl(5)      | ::1"
	    "                                             | 2\n");
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, sizeof(path));
	sabytes_case("sockaddr_un: the path's bytes as passed, 16 a row",
	    &sun, (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    sizeof(path)), "AF_UNIX",
	    "    01 00      | 2f 74 6d 70 2f 61 2d 73 6f 63 6b 65 74 2d 70 61\n"
	    "               | 74 68 2d 6f 66 2d 33 34 2d 62 79 74 65 73 2e 73\n"
	    "               | 00   (35 bytes)\n"
	    "    sun_family | sun_path\n"
	    "    AF_UNIX    | \"/tmp/a-socket-path-of-34-bytes.s\"\n");
	memset(sun.sun_path, 0, sizeof(sun.sun_path));
	memcpy(sun.sun_path + 1, "demo", 4);
	sabytes_case("an abstract name starts with 00 and says so", &sun, 7,
	    "AF_UNIX",
	    "    01 00      | 00 64 65 6d 6f   (7 bytes)\n"
	    "    sun_family | sun_path\n"
	    "    AF_UNIX    | @\"demo\" (abstract: starts with 00)\n");
	sabytes_case("an unnamed socket is the family alone", &sun, 2,
	    "AF_UNIX",
	    "    01 00      |    (2 bytes)\n"
	    "    sun_family | sun_path\n"
	    "    AF_UNIX    | (unnamed: no path)\n");
	sabytes_case("fewer bytes than a family show nothing", &sun, 1,
	    "AF_UNIX", "");
}

void
test_structs(void)
{
	test_readback();
	test_sabytes();
}
