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

int swl_system_available_cpus(int *cpus, int capacity)
{
    cpu_set_t own, all;
    if (sched_getaffinity(0, sizeof own, &own) != 0) return -errno;
    /* The kernel keeps of a requested set only the CPUs the thread may use. */
    memset(&all, 0xff, sizeof all);
    if (sched_setaffinity(0, sizeof all, &all) != 0) return -errno;
    int count = swl_system_thread_cpus(0, cpus, capacity);
    if (sched_setaffinity(0, sizeof own, &own) != 0) return -errno;
    return count;
}

int swl_system_thread_id(void)
{
    return (int)gettid();
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

int swl_system_name_thread(const char *name)
{
    return -pthread_setname_np(pthread_self(), name);
}

int swl_system_lower_to_idle_priority(void)
{
    struct sched_param param = { .sched_priority = 0 };
    return sched_setscheduler(0, SCHED_IDLE, &param) == 0 ? 0 : -errno;
}
#else
int swl_system_thread_cpus(int tid, int *cpus, int capacity)
{
    (void)tid; (void)cpus; (void)capacity;
    return -ENOSYS;
}

int swl_system_thread_id(void)
{
    return -ENOSYS;
}

int swl_system_available_cpus(int *cpus, int capacity)
{
    (void)cpus; (void)capacity;
    return -ENOSYS;
}

int swl_system_pin_thread(int tid, const int *cpus, int count)
{
    (void)tid; (void)cpus; (void)count;
    return -ENOSYS;
}

int swl_system_name_thread(const char *name)
{
    (void)name;
    return -ENOSYS;
}

int swl_system_lower_to_idle_priority(void)
{
    return -ENOSYS;
}
#endif
