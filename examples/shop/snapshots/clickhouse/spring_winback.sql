WITH
  "spring_winback__history" AS (
    SELECT
      "user_id" AS user_id,
      MAX(CASE WHEN "event" = 'login' THEN "ts" END) AS last_1,
      COUNT(CASE WHEN "event" = 'purchase' THEN 1 END) AS count_2
    FROM "shop"."events"
    WHERE ("ts" <= now64(6, 'UTC'))
      AND ("user_id" IN (SELECT u."user_id" FROM "shop"."users" AS u WHERE COALESCE(u."marketing_opt_in" = TRUE, FALSE) AND COALESCE(u."country" IN ('ZA', 'NG'), FALSE)))
      AND ("event" IN ('login', 'purchase'))
    GROUP BY "user_id"
  )
SELECT
  u."user_id" AS user_id,
  CAST((reinterpretAsUInt32(reverse(substring(MD5('spring-2026:' || CAST(u."user_id" AS Nullable(String))), 1, 4))) % 10000) < 1000 AS Bool) AS holdout
FROM "shop"."users" AS u
LEFT JOIN "spring_winback__history" AS h ON h.user_id = u."user_id"
WHERE COALESCE((h.last_1 IS NOT NULL) AND (h.last_1 < (now64(6, 'UTC') - INTERVAL 21 DAY)), FALSE)
  AND (COALESCE(h.count_2, 0) >= 2)
  AND COALESCE(u."marketing_opt_in" = TRUE, FALSE)
  AND COALESCE(u."country" IN ('ZA', 'NG'), FALSE)
  AND (NOT (COALESCE(endsWith(lowerUTF8(u."email"), lowerUTF8('@example.com')), FALSE) OR COALESCE(u."plan" = 'staff', FALSE)))
SETTINGS join_use_nulls = 1
