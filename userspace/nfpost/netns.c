// SPDX-License-Identifier: GPL-2.0
/*
 * Maps a netns inode to the name `ip netns add` gave it: each file in
 * /run/netns is a bind mount of a namespace, so its st_ino is the inode.
 * Cached; a miss rescans the directory at most once a second, so a
 * monitor printing thousands of events a second does not stat in a loop.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "netns.h"

#define NETNS_MAX 256

static struct {
	uint32_t ino;
	char name[256];
} cache[NETNS_MAX];
static unsigned int n_cache;
static time_t scanned_at;
static bool scanned;

static void rescan(const char *dir)
{
	struct dirent *de;
	struct stat st;
	DIR *d;

	n_cache = 0;
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d)) && n_cache < NETNS_MAX) {
		if (de->d_name[0] == '.' ||
		    fstatat(dirfd(d), de->d_name, &st, 0) < 0)
			continue;
		cache[n_cache].ino = st.st_ino;
		snprintf(cache[n_cache].name, sizeof(cache[0].name), "%s",
			 de->d_name);
		n_cache++;
	}
	closedir(d);
}

static const char *lookup(uint32_t ino)
{
	unsigned int i;

	for (i = 0; i < n_cache; i++)
		if (cache[i].ino == ino)
			return cache[i].name;
	return NULL;
}

const char *netns_name(uint32_t ino, void *dir)
{
	const char *name = lookup(ino);
	struct timespec now;

	if (name)
		return name;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (scanned && now.tv_sec == scanned_at)
		return NULL;
	scanned = true;
	scanned_at = now.tv_sec;
	rescan(dir ? dir : NETNS_RUN_DIR);
	return lookup(ino);
}
