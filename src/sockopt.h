/* sockopt.h: the table of socket options that -o NAME=VALUE can set. */
#ifndef SOCKIT_SOCKOPT_H
#define SOCKIT_SOCKOPT_H

#include "compat.h"

#include <sys/socket.h>

enum sockopt_kind {
	SOCKOPT_INT,		/* an int, with optional k/m/g suffix */
	SOCKOPT_BOOL,		/* an int that is 0 or 1: on/off/yes/no too */
	SOCKOPT_LINGER,		/* struct linger: seconds, or "off" */
	SOCKOPT_STRING,		/* a name, such as a device or algorithm */
};

struct sockopt_def {
	const char *name;
	int level;
	int optname;
	enum sockopt_kind kind;
	const char *help;
};

struct sockopt_setting {
	const struct sockopt_def *def;
	int int_value;
	struct linger linger_value;
	char string_value[64];
};

/* Returns the row named name (case-insensitive), or NULL. */
const struct sockopt_def *sockopt_find(const char *name);
/* Returns the row for (level, optname), or NULL. */
const struct sockopt_def *sockopt_by_value(int level, int optname);
/* Returns the whole table and stores its length in *count. */
const struct sockopt_def *sockopt_table(size_t *count);
/* Returns the C name of a setsockopt level, or NULL. */
const char *sockopt_level_name(int level);
/*
 * Parses "NAME=VALUE" into *out. Returns 0, or -1 with a message in err
 * naming the bad part.
 */
int sockopt_parse(const char *arg, struct sockopt_setting *out,
    char *err, size_t errlen);
/* Returns a pointer to the value bytes of s and stores their size in *len. */
const void *sockopt_value(const struct sockopt_setting *s, socklen_t *len);

#endif
