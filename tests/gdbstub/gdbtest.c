/*
 * The program gdb drives in gdbstub-test.sh: a loop calling add() (break
 * on a symbol, read arguments, step), a counter gdb rewrites, and a
 * variable written once (the watchpoint).  Returns 0 when the sum is right,
 * so a test that corrupts state shows up in the exit status.
 */
volatile unsigned long counter;
volatile unsigned long watched;

__attribute__((noinline)) unsigned long add(unsigned long a, unsigned long b)
{
    return a + b;
}

int main(void)
{
    unsigned long sum = 0;

    for (unsigned long i = 0; i < 10; i++) {
        sum = add(sum, i);
        counter++;
    }
    watched = sum;
    return sum == 45 ? 0 : 1;
}
