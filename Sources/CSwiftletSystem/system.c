#define _GNU_SOURCE
#include "CSwiftletSystem.h"

#include <errno.h>

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

int swl_system_thread_cpus(int tid, int *cpus, int capacity)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity((pid_t)tid, sizeof set, &set) != 0) return -errno;
    int count = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && count < capacity; cpu++) {
        if (CPU_ISSET(cpu, &set)) cpus[count++] = cpu;
    }
    return count;
}

int swl_system_pin_thread(int tid, const int *cpus, int count)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int i = 0; i < count; i++) {
        if (cpus[i] < 0 || cpus[i] >= CPU_SETSIZE) return -EINVAL;
        CPU_SET(cpus[i], &set);
    }
    return sched_setaffinity((pid_t)tid, sizeof set, &set) == 0 ? 0 : -errno;
}
int swl_system_thread_id(void)
{
    return (int)gettid();
}

int swl_system_name_thread(const char *name)
{
    char kept[16];
    strncpy(kept, name, sizeof kept - 1);
    kept[sizeof kept - 1] = '\0';
    return -pthread_setname_np(pthread_self(), kept);
}

int swl_system_set_idle_priority(int tid)
{
    struct sched_param param = { 0 };
    return sched_setscheduler((pid_t)tid, SCHED_IDLE, &param) == 0 ? 0 : -errno;
}
#else
int swl_system_thread_id(void)
{
    return -ENOSYS;
}

int swl_system_name_thread(const char *name)
{
    (void)name;
    return -ENOSYS;
}

int swl_system_set_idle_priority(int tid)
{
    (void)tid;
    return -ENOSYS;
}

int swl_system_thread_cpus(int tid, int *cpus, int capacity)
{
    (void)tid; (void)cpus; (void)capacity;
    return -ENOSYS;
}

int swl_system_pin_thread(int tid, const int *cpus, int count)
{
    (void)tid; (void)cpus; (void)count;
    return -ENOSYS;
}
#endif

void swl_system_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}
