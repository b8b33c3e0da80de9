/* Swiftlet SDK: the one include a plugin needs.
 *
 *   #include <swiftlet/swiftlet.h>
 *
 * Pulls in the core (version, status, types, events, host services, plugin,
 * entry symbol) and every stable extension. Each header also compiles on its own. */
#ifndef SWIFTLET_SWIFTLET_H
#define SWIFTLET_SWIFTLET_H

#include "version.h"
#include "status.h"
#include "types.h"
#include "events.h"
#include "host.h"
#include "plugin.h"
#include "entry.h"
#include "ext/trading.h"
#include "ext/perpetual.h"
#include "ext/candles.h"
#include "ext/strategy.h"
#include "ext/hotswap.h"

#endif /* SWIFTLET_SWIFTLET_H */
