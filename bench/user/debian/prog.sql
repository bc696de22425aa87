create table t(id integer primary key, name text, n integer, v real);
with recursive r(x) as (select 1 union all select x + 1 from r where x < 500000)
  insert into t(name, n, v) select 'name' || (x * 7919 % 100003), x % 1013, x * 0.5 from r;
create index t_n on t(n);
select count(*), sum(n), max(length(name)) from t;
select n, count(*), sum(v) from t group by n order by count(*) desc, n limit 3;
select count(*) from t a join t b on a.n = b.n and a.id < b.id where a.id < 8000;
select name from t where n = 7 order by name limit 3;
