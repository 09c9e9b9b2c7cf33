CREATE TABLE `key_rotations` (
	`master_key_id` text PRIMARY KEY NOT NULL,
	`cursor` text DEFAULT '' NOT NULL,
	`users_visited` integer DEFAULT 0 NOT NULL,
	`keys_rewrapped` integer DEFAULT 0 NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer
);
