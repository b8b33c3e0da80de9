/* Test fixture: a strategy plugin whose descriptor is shaped by compile-time macros,
 * so the loader tests can build each broken variant from this one file:
 *
 *   cc -shared -fPIC -fvisibility=hidden -I sdk-headers [-D...] misbehaving.c -o X.so
 *
 * Without any macro it is a valid, working no-op strategy (id "misbehaving",
 * version "1.0.0", kind STRATEGY, answers "swiftlet.strategy/1").
 *
 * Shaping the descriptor:
 *   -DPLUGIN_ID='"other_id"'       descriptor id (default "misbehaving")
 *   -DPLUGIN_VERSION='"2.0.0"'     descriptor version (default "1.0.0")
 *   -DPLUGIN_KINDS=0x20            descriptor kinds (default SWL_KIND_STRATEGY);
 *                                  e.g. an unknown bit, 0, or SWL_KIND_CONNECTOR
 *   -DABI_MAJOR=N                  descriptor abi_major (default SWL_ABI_MAJOR)
 *   -DABI_MINOR=N                  descriptor abi_minor (default SWL_ABI_MINOR)
 * Broken variants (each must be refused by the loader):
 *   -DNO_ENTRY                     the library does not export swiftlet_plugin_entry
 *   -DNULL_DESCRIPTOR              swiftlet_plugin_entry returns NULL
 *   -DEMPTY_ID                     id is the empty string
 *   -DOVERSIZED_NAME               name is longer than SWL_NAME_MAX_LENGTH
 *   -DSMALL_DESCRIPTOR             struct_size is smaller than the ABI 1.0 layout
 *   -DSMALL_EXTENSION_TABLE        the "swiftlet.strategy/1" table has struct_size 4
 *   -DNO_STRATEGY_EXTENSION        get_extension returns NULL for every id
 * Failing at run time:
 *   -DCREATE_FAILS                 create returns SWL_ERR_INVALID_ARGUMENT with the
 *                                  message "bad config: key 'x'"
 * Accepted variant:
 *   -DNEWER_MINOR                  built "against" ABI 1.(SWL_ABI_MINOR + 5): abi_minor
 *                                  is 5 higher and the descriptor is larger than the
 *                                  host's, with extra members appended at the end */
#include <stdlib.h>
#include <string.h>

#include "swiftlet/swiftlet.h"

#ifndef PLUGIN_ID
#define PLUGIN_ID "misbehaving"
#endif
#ifndef PLUGIN_VERSION
#define PLUGIN_VERSION "1.0.0"
#endif
#ifndef PLUGIN_KINDS
#define PLUGIN_KINDS SWL_KIND_STRATEGY
#endif
#ifndef ABI_MAJOR
#define ABI_MAJOR SWL_ABI_MAJOR
#endif
#ifndef ABI_MINOR
#  ifdef NEWER_MINOR
#    define ABI_MINOR (SWL_ABI_MINOR + 5)
#  else
#    define ABI_MINOR SWL_ABI_MINOR
#  endif
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define HIDDEN __attribute__((visibility("hidden")))
#else
#  define HIDDEN
#endif

/* ---- a no-op strategy ---------------------------------------------------------- */

static swl_status_t noop_start(const swl_plugin_t *plugin, swl_error_t *error)
{
    (void)plugin;
    (void)error;
    return SWL_OK;
}

static void noop_destroy(const swl_plugin_t *plugin)
{
    free((void *)plugin);
}

static swl_status_t noop_on_event(const swl_plugin_t *plugin, const swl_event_header_t *event,
                                  swl_error_t *error)
{
    (void)plugin;
    (void)event;
    (void)error;
    return SWL_OK;
}

static const swl_strategy_t strategy_table = {
#ifdef SMALL_EXTENSION_TABLE
    .struct_size = 4,
#else
    .struct_size = sizeof(swl_strategy_t),
#endif
    .on_event = noop_on_event,
};

static const void *misbehaving_get_extension(swl_str_t extension_id)
{
#ifdef NO_STRATEGY_EXTENSION
    (void)extension_id;
    (void)&strategy_table;
    return NULL;
#else
    static const char strategy_id[] = SWL_EXT_STRATEGY;
    if (extension_id.len == sizeof strategy_id - 1 && extension_id.ptr != NULL
        && memcmp(extension_id.ptr, strategy_id, extension_id.len) == 0) {
        return &strategy_table;
    }
    return NULL;
#endif
}

/* Writes a failure into the caller's error record (status.h rules). */
static swl_status_t fail(swl_error_t *error, swl_status_t status, const char *message)
{
    if (error != NULL && error->struct_size >= sizeof(swl_error_t)) {
        size_t len = strlen(message);
        if (len >= sizeof error->message) len = sizeof error->message - 1;
        error->status = status;
        memcpy(error->message, message, len);
        error->message[len] = '\0';
    }
    return status;
}

static swl_status_t misbehaving_create(const swl_host_t *host, swl_str_t config,
                                       const swl_plugin_t **out_plugin, swl_error_t *error)
{
    (void)host;
    (void)config;
#ifdef CREATE_FAILS
    return fail(error, SWL_ERR_INVALID_ARGUMENT, "bad config: key 'x'");
#endif
    swl_plugin_t *plugin = calloc(1, sizeof *plugin);
    if (plugin == NULL) {
        return fail(error, SWL_ERR_INTERNAL, "out of memory");
    }
    plugin->struct_size = sizeof *plugin;
    plugin->start = noop_start;
    plugin->stop = noop_start; /* same shape, same no-op */
    plugin->destroy = noop_destroy;
    *out_plugin = plugin;
    return SWL_OK;
}

/* ---- the descriptor ------------------------------------------------------------- */

#ifdef OVERSIZED_NAME
#  define TEN_BYTES "0123456789"
#  define PLUGIN_NAME TEN_BYTES TEN_BYTES TEN_BYTES TEN_BYTES TEN_BYTES TEN_BYTES TEN_BYTES \
                      TEN_BYTES TEN_BYTES TEN_BYTES TEN_BYTES TEN_BYTES TEN_BYTES "!"
_Static_assert(sizeof(PLUGIN_NAME) - 1 > SWL_NAME_MAX_LENGTH, "name must exceed the limit");
#else
#  define PLUGIN_NAME "Misbehaving test plugin"
#endif

#ifdef EMPTY_ID
#  define DESCRIPTOR_ID ""
#else
#  define DESCRIPTOR_ID PLUGIN_ID
#endif

/* What a plugin built against a later ABI minor looks like: the 1.0 layout first,
 * then members this host does not know. */
typedef struct descriptor_newer {
    swl_plugin_descriptor_t base;
    uint64_t future_flags;
    const void *(*future_function)(swl_str_t);
} descriptor_newer_t;

#if defined(NEWER_MINOR)
#  define DESCRIPTOR_SIZE sizeof(descriptor_newer_t)
#elif defined(SMALL_DESCRIPTOR)
#  define DESCRIPTOR_SIZE offsetof(swl_plugin_descriptor_t, kinds)
#else
#  define DESCRIPTOR_SIZE sizeof(swl_plugin_descriptor_t)
#endif

static const descriptor_newer_t descriptor = {
    .base = {
        .struct_size = (uint32_t)DESCRIPTOR_SIZE,
        .abi_major = ABI_MAJOR,
        .abi_minor = ABI_MINOR,
        .id = SWL_STR(DESCRIPTOR_ID),
        .version = SWL_STR(PLUGIN_VERSION),
        .name = SWL_STR(PLUGIN_NAME),
        .vendor = SWL_STR("Swiftlet tests"),
        .description = SWL_STR("Loader test fixture (Tests/Fixtures/plugins/misbehaving.c)."),
        .kinds = PLUGIN_KINDS,
        .get_extension = misbehaving_get_extension,
        .create = misbehaving_create,
    },
    .future_flags = 0xFFFFFFFFFFFFFFFFu, /* only read by a host that knows it */
    .future_function = misbehaving_get_extension,
};

/* Not exported (hidden): keeps the descriptor referenced when NO_ENTRY or
 * NULL_DESCRIPTOR leave the entry symbol without it. */
HIDDEN const swl_plugin_descriptor_t *misbehaving_descriptor(void);
HIDDEN const swl_plugin_descriptor_t *misbehaving_descriptor(void)
{
    return &descriptor.base;
}

#ifndef NO_ENTRY
SWL_EXPORT const swl_plugin_descriptor_t *swiftlet_plugin_entry(void)
{
#  ifdef NULL_DESCRIPTOR
    return NULL;
#  else
    return misbehaving_descriptor();
#  endif
}
#endif
