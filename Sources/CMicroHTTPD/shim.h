#ifndef BATON_CMICROHTTPD_SHIM_H
#define BATON_CMICROHTTPD_SHIM_H

/* microhttpd.h expects the platform's socket and integer types to be declared already. */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <microhttpd.h>

/* Swift cannot call C variadic functions (MHD_start_daemon, MHD_get_daemon_info,
 * MHD_get_connection_info), so each use goes through one of these typed, non-variadic wrappers. */

/* MHD_OPTION_URI_LOG_CALLBACK has no typedef in microhttpd.h. Its return value becomes the
 * request's initial `*req_cls`. */
typedef void *(*cmhd_uri_log_callback)(void *context, const char *uri,
                                       struct MHD_Connection *connection);

/* Everything the Swift server passes to MHD_start_daemon. A struct keeps the call readable and
 * lets Swift name every field; one context pointer serves all callbacks. */
struct cmhd_daemon_settings {
    unsigned int flags;                 /* MHD_FLAG values or-ed together */
    const struct sockaddr_in *address;  /* IPv4 address and port (network byte order) to bind */
    unsigned int thread_pool_size;      /* 0 or 1: no pool, one internal polling thread */
    unsigned int connection_limit;
    unsigned int connection_timeout;    /* seconds; 0: idle connections are never closed */
    size_t memory_limit;                /* per connection: request head, read and write buffers */
    MHD_AccessHandlerCallback access_handler;
    MHD_RequestCompletedCallback request_completed;
    MHD_NotifyConnectionCallback connection_notification;
    cmhd_uri_log_callback uri_log;
    MHD_LogCallback logger;
    void *context;
};

/* Starts a daemon. On failure returns NULL and stores errno, read immediately after MHD gave up,
 * in *error_number, before anything else can overwrite it. */
static inline struct MHD_Daemon *cmhd_start_daemon(const struct cmhd_daemon_settings *settings,
                                                   int *error_number) {
    struct MHD_Daemon *daemon;
    /* A pool size of 0 or 1 makes MHD log a warning, so the option is only given when it means
     * something: otherwise MHD_OPTION_END takes its place and ends the list early. */
    enum MHD_OPTION pool_option =
        settings->thread_pool_size > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END;
    errno = 0;
    daemon = MHD_start_daemon(
        settings->flags, ntohs(settings->address->sin_port), NULL, NULL,
        settings->access_handler, settings->context,
        /* First, so that messages during start-up already reach the Swift logger. */
        MHD_OPTION_EXTERNAL_LOGGER, settings->logger, settings->context,
        MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)settings->address,
        MHD_OPTION_CONNECTION_LIMIT, settings->connection_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, settings->connection_timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, settings->memory_limit,
        MHD_OPTION_NOTIFY_COMPLETED, settings->request_completed, settings->context,
        MHD_OPTION_NOTIFY_CONNECTION, settings->connection_notification, settings->context,
        MHD_OPTION_URI_LOG_CALLBACK, settings->uri_log, settings->context,
        pool_option, settings->thread_pool_size,
        MHD_OPTION_END);
    if (daemon == NULL && error_number != NULL) {
        *error_number = errno;
    }
    return daemon;
}

/* The port the daemon listens on; with port 0 this is the one the kernel picked. 0 if unknown. */
static inline uint16_t cmhd_daemon_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info != NULL ? info->port : 0;
}

/* The peer's address, or NULL if MHD does not know it. Valid while the connection is open. */
static inline const struct sockaddr *cmhd_connection_client_address(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info != NULL ? info->client_addr : NULL;
}

/* The connection's socket, or -1 if MHD does not say. Valid while the connection is open. */
static inline int cmhd_connection_socket(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info != NULL ? info->connect_fd : -1;
}

#endif
