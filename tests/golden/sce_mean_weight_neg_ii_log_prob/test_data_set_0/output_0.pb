BlossJдр
B