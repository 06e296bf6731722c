WITH
  `lifecycle__scan` AS (
    SELECT
      `user_id` AS user_id,
      COUNT(*) FILTER (WHERE `ts` >= (timestampadd(MICROSECOND, unix_micros(current_timestamp()), TIMESTAMP_NTZ '1970-01-01 00:00:00') - INTERVAL '7' DAY)) AS count_1,
      COUNT(*) FILTER (WHERE `ts` < (timestampadd(MICROSECOND, unix_micros(current_timestamp()), TIMESTAMP_NTZ '1970-01-01 00:00:00') - INTERVAL '7' DAY)) AS count_2,
      COUNT(*) AS count_3
    FROM `shop`.`events`
    WHERE (`ts` <= timestampadd(MICROSECOND, unix_micros(current_timestamp()), TIMESTAMP_NTZ '1970-01-01 00:00:00'))
      AND (`ts` >= (timestampadd(MICROSECOND, unix_micros(current_timestamp()), TIMESTAMP_NTZ '1970-01-01 00:00:00') - INTERVAL '30' DAY))
    GROUP BY `user_id`
  ),
  `lifecycle__history` AS (
    SELECT
      `user_id` AS user_id,
      MIN(`ts`) AS first_1
    FROM `shop`.`events`
    WHERE (`ts` <= timestampadd(MICROSECOND, unix_micros(current_timestamp()), TIMESTAMP_NTZ '1970-01-01 00:00:00'))
      AND (`event` = 'signup')
    GROUP BY `user_id`
  )
SELECT
  user_id,
  arm
FROM (
  SELECT
    u.`user_id` AS user_id,
    CASE WHEN COALESCE((h.first_1 IS NOT NULL) AND (h.first_1 >= (timestampadd(MICROSECOND, unix_micros(current_timestamp()), TIMESTAMP_NTZ '1970-01-01 00:00:00') - INTERVAL '14' DAY)), FALSE) THEN 'new' WHEN COALESCE(s.count_1, 0) >= 1 THEN 'active' WHEN COALESCE(s.count_2, 0) >= 1 THEN 'at_risk' WHEN NOT (COALESCE(s.count_3, 0) >= 1) THEN 'churned' END AS arm
  FROM `shop`.`users` AS u
  LEFT JOIN `lifecycle__scan` AS s ON s.user_id = u.`user_id`
  LEFT JOIN `lifecycle__history` AS h ON h.user_id = u.`user_id`
) AS assigned
WHERE arm IS NOT NULL
