public enum ReelbaseCore {}
