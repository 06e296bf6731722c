WITH
  "vip__scan" AS (
    SELECT
      "user_id" AS user_id,
      SUM(CASE WHEN json_type("properties", '/amount') IN ('DOUBLE', 'BIGINT', 'UBIGINT') THEN CAST(json_extract_string("properties", '/amount') AS DOUBLE) END) AS sum_1
    FROM "shop"."events"
    WHERE ("ts" <= (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'))
      AND ("event" = 'purchase')
      AND ("ts" >= ((CURRENT_TIMESTAMP AT TIME ZONE 'UTC') - INTERVAL '365 days'))
    GROUP BY "user_id"
  )
SELECT u."user_id" AS user_id
FROM "shop"."users" AS u
LEFT JOIN "vip__scan" AS s ON s.user_id = u."user_id"
WHERE COALESCE(s.sum_1, 0) >= 1000
