/*
 * The x86-64 CPU models `-cpu` accepts.  On KVM every vCPU gets the CPUID
 * the host kernel supports (KVM_GET_SUPPORTED_CPUID, fixed up for the
 * topology in accel/kvm/kvm.c), which is what QEMU calls `-cpu host`;
 * "host" and "max" name exactly that, so command lines written for
 * `qemu-system-x86_64 -accel kvm -cpu host` carry over.  The types are
 * names only: nothing is instantiated from them yet.
 */
#ifndef HW_X86_X86_CPU_H
#define HW_X86_X86_CPU_H

#define TYPE_X86_CPU "x86_64-cpu"
#define X86_CPU_TYPE_SUFFIX "-" TYPE_X86_CPU
#define X86_CPU_TYPE_NAME(model) model X86_CPU_TYPE_SUFFIX

#endif
