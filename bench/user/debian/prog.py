# dicts, lists, strings, integer arithmetic: the interpreter's common paths
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
counts = {}
for i in range(600000):
    w = "w%d" % (i % 997)
    counts[w] = counts.get(w, 0) + 1
xs = sorted((i * 7919) % 100003 for i in range(600000))
s = sum(xs[::1000])
text = " ".join(str(i * i) for i in range(60000))
print(fib(27), len(counts), s, len(text.split()), text.count("1"))
