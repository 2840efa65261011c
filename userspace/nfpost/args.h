/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The nfpost command line, parsed without I/O: argv in, struct nfpost_args
 * or an error message and exit code out.
 */
#ifndef NFPOST_ARGS_H
#define NFPOST_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include "config.h"
#include "mcast_args.h"

/* Exit codes, as ip(8): */
#define EXIT_RUNTIME	1	/* the kernel, the system or a bad value */
#define EXIT_USAGE	2	/* the command line's shape */

enum nfpost_cmd {
	CMD_NONE,		/* nothing after the global options */
	CMD_HELP,
	CMD_VERSION,
	CMD_WATCH_HELP,
	CMD_WATCH_SHOW,
	CMD_WATCH_BIND_ADD,
	CMD_WATCH_BIND_DEL,
	CMD_WATCH_FLUSH,
	CMD_WATCH_SET,
	CMD_WATCH_CONFIG,
	CMD_WATCH_STATS,
	CMD_WATCH_SAVE,		/* file: where */
	CMD_WATCH_RESTORE,	/* file: from where */
	CMD_MONITOR,
	CMD_MAIL_HELP,
	CMD_MAIL_TRACE,
	CMD_MAIL_QUEUE,
	CMD_MAIL_FLUSH,
	CMD_MAIL_LS,
	CMD_MAIL_SHOW,
	CMD_USER_HELP,
	CMD_USER_LIST,
	CMD_USER_ADD,
	CMD_USER_DEL,
	CMD_USER_PASSWD,
	CMD_WEB,
	CMD_MCAST,		/* the verb is in mcast.verb */
};

struct config_set {
	const struct config_key *key;
	uint32_t val;
};

struct nfpost_args {
	enum nfpost_cmd cmd;
	bool json;
	const char *dev;		/* NULL: every interface */
	struct in_addr addr;
	uint8_t lladdr[6];
	bool has_lladdr;
	unsigned int n_set;
	struct config_set set[CONFIG_KEYS];
	unsigned long count;		/* monitor -c; 0: until killed */
	const char *file;		/* mail trace FILE ("-": stdin), watch save|restore FILE */
	const char *conf;		/* mail queue, user -c; NULL: default */
	const char *users_file;		/* user -f; NULL: the default */
	const char *user;		/* user add|del|passwd NAME; mail ls */
	const char *listen;		/* web listen ADDR:PORT; NULL: the default */
	const char *webroot;		/* web root DIR; NULL: the installed page */
	const char *replay;		/* web --replay FILE; NULL: live */
	unsigned int speed;		/* web --speed N; 0: as fast as possible */
	unsigned int max_clients;	/* web clients N */
	struct mcast_args mcast;	/* nfpost mcast ... */
	bool monitor_mcast;		/* monitor mcast: only its events */
	bool smtp;			/* monitor smtp: nfpost_smtp's events */
	const char *folder;		/* mail ls|show: NULL is INBOX */
	unsigned long uid;		/* mail show */
};

#define ARGS_ERR_LEN 256

int args_global(int argc, char **argv, struct nfpost_args *a, int *next_r,
		char *err, size_t len);
int args_watch(int argc, char **argv, struct nfpost_args *a, char *err,
	       size_t len);
int args_monitor(int argc, char **argv, struct nfpost_args *a, char *err,
		 size_t len);
int args_mail(int argc, char **argv, struct nfpost_args *a, char *err,
	      size_t len);
int args_user(int argc, char **argv, struct nfpost_args *a, char *err,
	      size_t len);
int args_web(int argc, char **argv, struct nfpost_args *a, char *err,
	     size_t len);

#endif /* NFPOST_ARGS_H */
