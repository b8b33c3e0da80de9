/* Swiftlet SDK: portability macros shared by every header.
 *
 * Nothing here is part of the plugin contract; it only makes the headers compile
 * the same way as C11 and as C++ on every supported compiler. */
#ifndef SWIFTLET_PRIVATE_MACROS_H
#define SWIFTLET_PRIVATE_MACROS_H

/* Marks the one symbol a plugin library exports. Build plugins with hidden
 * visibility (-fvisibility=hidden, or a linker version script) so that this is the
 * only symbol the dynamic linker can see. */
#if defined(_WIN32)
#  define SWL_EXPORT __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#  define SWL_EXPORT __attribute__((visibility("default")))
#else
#  define SWL_EXPORT
#endif

#ifdef __cplusplus
#  define SWL_EXTERN_C_BEGIN extern "C" {
#  define SWL_EXTERN_C_END }
#else
#  define SWL_EXTERN_C_BEGIN
#  define SWL_EXTERN_C_END
#endif

#endif /* SWIFTLET_PRIVATE_MACROS_H */
