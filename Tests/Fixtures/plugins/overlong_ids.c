/* Test fixture: a connector whose order calls misreport the length of the ids they
 * write. place_order and place_orders fill each 64-byte id buffer with a full id and
 * then set its length to 100, past the buffer (ext/trading.h: the callee sets at most
 * the capacity). A host must read no more than the buffer.
 *
 *   cc -shared -fPIC -fvisibility=hidden -I sdk-headers overlong_ids.c -o X.so
 *
 * Every other trading function is absent: the tests call only these two. */
#include <stdlib.h>
#include <string.h>

#include "swiftlet/swiftlet.h"

#define REPORTED_LENGTH 100

/* Writes a full id ('a' + index, repeated) and reports an overlong length. */
static void write_id(swl_order_id_buffer_t *out, size_t index)
{
    memset(out->data, 'a' + (int)(index % 26), out->capacity);
    out->length = REPORTED_LENGTH;
}

static swl_status_t place_order(const swl_plugin_t *plugin, const swl_order_request_t *request,
                                swl_order_id_buffer_t *out_id, swl_error_t *error)
{
    (void)plugin;
    (void)request;
    (void)error;
    write_id(out_id, 0);
    return SWL_OK;
}

static swl_status_t place_orders(const swl_plugin_t *plugin, const swl_order_request_t *requests,
                                 size_t count, swl_order_id_buffer_t *out_ids,
                                 swl_status_t *out_statuses, swl_error_t *error)
{
    (void)plugin;
    (void)requests;
    (void)error;
    for (size_t i = 0; i < count; i++) {
        write_id(&out_ids[i], i);
        if (out_statuses != NULL) out_statuses[i] = SWL_OK;
    }
    return SWL_OK;
}

static const swl_trading_t trading_table = {
    .struct_size = sizeof(swl_trading_t),
    .place_order = place_order,
    .place_orders = place_orders,
};

static const void *get_extension(swl_str_t extension_id)
{
    static const char trading_id[] = SWL_EXT_TRADING;
    if (extension_id.len == sizeof trading_id - 1 && extension_id.ptr != NULL
        && memcmp(extension_id.ptr, trading_id, extension_id.len) == 0) {
        return &trading_table;
    }
    return NULL;
}

static swl_status_t noop(const swl_plugin_t *plugin, swl_error_t *error)
{
    (void)plugin;
    (void)error;
    return SWL_OK;
}

static void destroy(const swl_plugin_t *plugin)
{
    free((void *)plugin);
}

static swl_status_t create(const swl_host_t *host, swl_str_t config, const swl_plugin_t **out_plugin,
                           swl_error_t *error)
{
    (void)host;
    (void)config;
    swl_plugin_t *plugin = calloc(1, sizeof *plugin);
    if (plugin == NULL) {
        error->status = SWL_ERR_INTERNAL;
        return SWL_ERR_INTERNAL;
    }
    plugin->struct_size = sizeof *plugin;
    plugin->start = noop;
    plugin->stop = noop;
    plugin->destroy = destroy;
    *out_plugin = plugin;
    return SWL_OK;
}

static const swl_plugin_descriptor_t descriptor = {
    .struct_size = sizeof(swl_plugin_descriptor_t),
    .abi_major = SWL_ABI_MAJOR,
    .abi_minor = SWL_ABI_MINOR,
    .id = SWL_STR("overlong_ids"),
    .version = SWL_STR("1.0.0"),
    .name = SWL_STR("Overlong order ids"),
    .vendor = SWL_STR("Swiftlet tests"),
    .description = SWL_STR("Test fixture: order ids reported longer than their buffer."),
    .kinds = SWL_KIND_CONNECTOR,
    .get_extension = get_extension,
    .create = create,
};

SWL_EXPORT const swl_plugin_descriptor_t *swiftlet_plugin_entry(void)
{
    return &descriptor;
}
