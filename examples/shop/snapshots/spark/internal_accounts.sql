SELECT u.`user_id` AS user_id
FROM `shop`.`users` AS u
WHERE COALESCE(endswith(lower(translate(u.`email`, 'İΣ', 'iσ')), lower(translate('@example.com', 'İΣ', 'iσ'))), FALSE) OR COALESCE(u.`plan` = 'staff', FALSE)
