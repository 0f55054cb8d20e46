/*
 * Karyon's memory binding: thin JNI wrappers over the raw mbind, get_mempolicy, move_pages and madvise system calls,
 * so that no libnuma is needed. Every function returns 0 (or a non-negative result) on success and -errno on
 * failure; the Java side (io.karyon.numa.NumaBinding) turns failures into exceptions that name the call and errno.
 */
#define _GNU_SOURCE
#include <jni.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define KARYON_MPOL_DEFAULT 0
#define KARYON_MPOL_PREFERRED 1
#define KARYON_MPOL_BIND 2
#define KARYON_MPOL_F_NODE (1 << 0)
#define KARYON_MPOL_F_ADDR (1 << 1)
#define KARYON_MPOL_MF_MOVE (1 << 1)
#define KARYON_MAX_NODES 1024

JNIEXPORT jint JNICALL Java_io_karyon_numa_NumaBinding_mbind0(
    JNIEnv *env, jclass klass, jlong address, jlong length, jint node, jboolean strict)
{
    unsigned long mask[KARYON_MAX_NODES / (8 * sizeof(unsigned long))];
    (void)env;
    (void)klass;
    if (node < 0 || node >= KARYON_MAX_NODES)
    {
        return -EINVAL;
    }
    memset(mask, 0, sizeof(mask));
    mask[node / (8 * sizeof(unsigned long))] |= 1UL << (node % (8 * sizeof(unsigned long)));
    long result = syscall(SYS_mbind, (void *)(intptr_t)address, (unsigned long)length,
        strict ? KARYON_MPOL_BIND : KARYON_MPOL_PREFERRED, mask, (unsigned long)KARYON_MAX_NODES + 1,
        KARYON_MPOL_MF_MOVE);
    return 0 == result ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_io_karyon_numa_NumaBinding_nodeOfAddress0(
    JNIEnv *env, jclass klass, jlong address)
{
    int node = -1;
    (void)env;
    (void)klass;
    long result = syscall(SYS_get_mempolicy, &node, NULL, 0UL, (void *)(intptr_t)address,
        KARYON_MPOL_F_NODE | KARYON_MPOL_F_ADDR);
    return 0 == result ? node : -errno;
}

JNIEXPORT jint JNICALL Java_io_karyon_numa_NumaBinding_movePages0(
    JNIEnv *env, jclass klass, jlong address, jlong pageSize, jintArray statusOut)
{
    (void)klass;
    const jsize count = (*env)->GetArrayLength(env, statusOut);
    void **pages = malloc(sizeof(void *) * (size_t)(count > 0 ? count : 1));
    int *status = malloc(sizeof(int) * (size_t)(count > 0 ? count : 1));
    if (NULL == pages || NULL == status)
    {
        free(pages);
        free(status);
        return -ENOMEM;
    }
    for (jsize i = 0; i < count; i++)
    {
        pages[i] = (void *)(intptr_t)(address + (jlong)i * pageSize);
        status[i] = -ENOENT;
    }
    long result = syscall(SYS_move_pages, 0, (unsigned long)count, pages, NULL, status, 0);
    const int error = errno;
    if (0 == result)
    {
        (*env)->SetIntArrayRegion(env, statusOut, 0, count, status);
    }
    free(pages);
    free(status);
    return 0 == result ? 0 : -error;
}

JNIEXPORT jint JNICALL Java_io_karyon_numa_NumaBinding_madvise0(
    JNIEnv *env, jclass klass, jlong address, jlong length, jint advice)
{
    (void)env;
    (void)klass;
    return 0 == madvise((void *)(intptr_t)address, (size_t)length, advice) ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_io_karyon_numa_NumaBinding_hugePageAdvice0(JNIEnv *env, jclass klass)
{
    (void)env;
    (void)klass;
    return MADV_HUGEPAGE;
}
