#ifndef CSWIFTLET_SYSTEM_H
#define CSWIFTLET_SYSTEM_H

/* CPU affinity and scheduling calls that Swift cannot import from glibc (they need _GNU_SOURCE).
 * Linux only; elsewhere each returns -ENOSYS. */

/* Writes the ids of the CPUs thread `tid` of this process (0: the calling thread) may run
 * on to `cpus`, in increasing order, at most `capacity` of them; returns how many, or -errno. */
int swl_system_thread_cpus(int tid, int *cpus, int capacity);

/* The calling thread's id (Linux's tid), or -ENOSYS. */
int swl_system_thread_id(void);

/* Writes the ids of every CPU a thread of this process could be pinned to (online and in
 * its cpuset, whatever the calling thread's own affinity) to `cpus`, in increasing order,
 * at most `capacity`; returns how many, or -errno. Widens the calling thread's affinity
 * for a moment and restores it. */
int swl_system_available_cpus(int *cpus, int capacity);

/* Restricts thread `tid` (0: the calling thread) to the `count` CPUs in `cpus`;
 * returns 0, or -errno (EINVAL: an id outside 0..<1024 or a set the thread cannot use). */
int swl_system_pin_thread(int tid, const int *cpus, int count);

/* Lowers the calling thread to SCHED_IDLE, the lowest priority Linux has: it runs only when
 * its CPU has nothing else to run, and another thread woken there preempts it at once.
 * Returns 0, or -errno. */
int swl_system_lower_to_idle_priority(void);

/* Names the calling thread (what `top -H` and /proc/self/task/<tid>/comm show; at most 15
 * bytes). Returns 0, or -errno. */
int swl_system_name_thread(const char *name);

/* Tells the CPU its thread is spin-waiting (x86 PAUSE, arm64 YIELD): the loop then draws
 * less power and leaves the core's resources to a hyperthread sibling. */
static inline void swl_system_spin_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
