/* Integer workload: a bytecode interpreter's switch-dispatch loop (an
 * indirect jump per op, a small operand stack), running a program that
 * counts the Collatz steps of 1..N.  What lua and python spend time on. */
#include <stdint.h>
#include <stdio.h>

enum { OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_AND, OP_SHR,
       OP_JZ, OP_JMP, OP_DUP, OP_DROP, OP_HALT };

static int64_t run(const int32_t *code, int64_t *vars)
{
    int64_t stack[16];
    int sp = 0;
    for (int pc = 0;;) {
        int32_t op = code[pc++];
        switch (op) {
        case OP_PUSH:  stack[sp++] = code[pc++]; break;
        case OP_LOAD:  stack[sp++] = vars[code[pc++]]; break;
        case OP_STORE: vars[code[pc++]] = stack[--sp]; break;
        case OP_ADD:   sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB:   sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL:   sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_AND:   sp--; stack[sp - 1] &= stack[sp]; break;
        case OP_SHR:   sp--; stack[sp - 1] >>= stack[sp]; break;
        case OP_JZ:    pc = stack[--sp] == 0 ? code[pc] : pc + 1; break;
        case OP_JMP:   pc = code[pc]; break;
        case OP_DUP:   stack[sp] = stack[sp - 1]; sp++; break;
        case OP_DROP:  sp--; break;
        case OP_HALT:  return vars[1];
        }
    }
}

int main(void)
{
    /* vars: 0 = i (counts down), 1 = steps so far, 2 = x; the comments
     * give each row's first index, the jump targets. */
    static const int32_t prog[] = {
        /*  0 */ OP_LOAD, 0, OP_JZ, 57,
        /*  4 */ OP_LOAD, 0, OP_STORE, 2,
        /*  8 loop: x == 1 ends this i */
                 OP_LOAD, 2, OP_PUSH, 1, OP_SUB, OP_JZ, 48,
        /* 15 */ OP_LOAD, 2, OP_PUSH, 1, OP_AND, OP_JZ, 32,
        /* 22 odd: 3x + 1 */
                 OP_LOAD, 2, OP_PUSH, 3, OP_MUL, OP_PUSH, 1, OP_ADD, OP_JMP, 37,
        /* 32 even: x >> 1 */
                 OP_LOAD, 2, OP_PUSH, 1, OP_SHR,
        /* 37 */ OP_STORE, 2, OP_LOAD, 1, OP_PUSH, 1, OP_ADD, OP_STORE, 1, OP_JMP, 8,
        /* 48 next i */
                 OP_LOAD, 0, OP_PUSH, 1, OP_SUB, OP_STORE, 0, OP_JMP, 0,
        /* 57 */ OP_HALT,
    };
    int64_t vars[3] = { 200000, 0, 0 };
    printf("interp: %lld\n", (long long)run(prog, vars));
    return 0;
}
