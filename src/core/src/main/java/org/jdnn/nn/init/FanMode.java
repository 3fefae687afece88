package org.jdnn.nn.init;

/** Which fan Kaiming initialisation scales by: fan_in preserves the forward variance, fan_out the backward one. */
public enum FanMode {
    FAN_IN, FAN_OUT
}
