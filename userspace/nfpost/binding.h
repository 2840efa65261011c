/* SPDX-License-Identifier: GPL-2.0 */
/* One entry of nfpost_watch's binding table, printed as text or JSON. */
#ifndef NFPOST_BINDING_H
#define NFPOST_BINDING_H

#include <stdbool.h>
#include <stdio.h>
#include "attrs.h"

void binding_print(FILE *f, const struct nlattr *const *tb, bool json);

#endif /* NFPOST_BINDING_H */
