/* services.h: the classic small services of listen --serve, as a table. */
#ifndef SOCKIT_SERVICES_H
#define SOCKIT_SERVICES_H

#include "compat.h"

#include <stdbool.h>

struct service;

/* The names as an option's choices: "echo|discard|...". */
extern const char service_choices[];

/* Returns the service at index i of service_choices, or NULL. */
const struct service *service_at(int i);
/* Returns the service's name, as given to --serve. */
const char *service_name(const struct service *svc);

/*
 * Serves one stream peer on the connected socket fd, made blocking here,
 * with plain recv and send, until the peer ends (or, for chargen, stops
 * taking data). idle > 0 bounds each wait for the peer (SO_RCVTIMEO).
 * Returns 0, or -1 with errno: EINTR for a signal, EAGAIN for idle.
 */
int service_stream(const struct service *svc, int fd, double idle);
/*
 * Answers each datagram on the unconnected socket fd, made blocking here,
 * with recvfrom and sendto, whoever sent it, until a signal. Returns -1
 * with errno (EINTR for a signal; EAGAIN when idle > 0 passed quietly).
 */
int service_datagrams(const struct service *svc, int fd, double idle);

#endif
