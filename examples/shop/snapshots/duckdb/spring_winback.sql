WITH
  "spring_winback__history" AS (
    SELECT
      "user_id" AS user_id,
      MAX("ts") FILTER (WHERE "event" = 'login') AS last_1,
      COUNT(*) FILTER (WHERE "event" = 'purchase') AS count_2
    FROM "shop"."events"
    WHERE ("ts" <= (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'))
      AND ("event" IN ('login', 'purchase'))
    GROUP BY "user_id"
  )
SELECT
  u."user_id" AS user_id,
  (CAST('0x' || substr(md5('spring-2026:' || CAST(u."user_id" AS TEXT)), 1, 8) AS UBIGINT) % 10000) < 1000 AS holdout
FROM "shop"."users" AS u
LEFT JOIN "spring_winback__history" AS h ON h.user_id = u."user_id"
WHERE COALESCE((h.last_1 IS NOT NULL) AND (h.last_1 < ((CURRENT_TIMESTAMP AT TIME ZONE 'UTC') - INTERVAL '21 days')), FALSE)
  AND (COALESCE(h.count_2, 0) >= 2)
  AND COALESCE(u."marketing_opt_in" = TRUE, FALSE)
  AND COALESCE(u."country" IN ('ZA', 'NG'), FALSE)
  AND (NOT (COALESCE(ends_with(lower(u."email"), lower('@example.com')), FALSE) OR COALESCE(u."plan" = 'staff', FALSE)))
