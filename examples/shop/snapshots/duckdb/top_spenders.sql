WITH
  "top_spenders__scan" AS (
    SELECT
      "user_id" AS user_id,
      SUM(CASE WHEN json_type("properties", '/amount') IN ('DOUBLE', 'BIGINT', 'UBIGINT') THEN CAST(json_extract_string("properties", '/amount') AS DOUBLE) END) AS sum_1
    FROM "shop"."events"
    WHERE ("ts" <= (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'))
      AND ("event" = 'purchase')
      AND ("ts" >= ((CURRENT_TIMESTAMP AT TIME ZONE 'UTC') - INTERVAL '365 days'))
    GROUP BY "user_id"
  )
SELECT user_id
FROM (
  SELECT
    u."user_id" AS user_id,
    ((RANK() OVER (ORDER BY COALESCE(s.sum_1, 0) DESC NULLS LAST) - 1) * 100) < (20 * COUNT(*) OVER ()) AS member
  FROM "shop"."users" AS u
  LEFT JOIN "top_spenders__scan" AS s ON s.user_id = u."user_id"
) AS ranked
WHERE member
