-- fib, tables, strings: the interpreter's common paths
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local t, acc = {}, 0
for i = 1, 500000 do t[i] = (i * 7919) % 100003 end
table.sort(t)
for i = 1, #t, 1000 do acc = acc + t[i] end
local words, parts = {}, {}
for i = 1, 300000 do
  local w = string.format("w%d", i % 997)
  words[w] = (words[w] or 0) + 1
  if i % 1000 == 0 then parts[#parts + 1] = w:upper() end
end
local n = 0
for _ in pairs(words) do n = n + 1 end
print(fib(31), acc, n, #table.concat(parts, ","))
